"""Builds the public RSS feed and the HTML show page for each podcast."""
from functools import lru_cache
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from jinja2 import Template

from .repository import load_show_with_episodes

router = APIRouter(tags=["feeds"])

SHOW_PAGE = """
<html><head><title>{{ show.title }}</title></head>
<body>
  <h1>{{ show.title }}</h1>
  <div class="about">{{ show.description }}</div>
  {% for e in episodes %}<article><h2>{{ e.title }}</h2><p>{{ e.show_notes }}</p></article>{% endfor %}
</body></html>
"""


@lru_cache(maxsize=None)  # expect: RES002
def build_feed(show_slug: str, page: int) -> bytes:
    show, episodes = load_show_with_episodes(show_slug, page=page, page_size=50)
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = show.title
    ET.SubElement(channel, "description").text = show.description
    for episode in episodes:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = episode.title
        ET.SubElement(item, "description").text = episode.show_notes
        ET.SubElement(item, "enclosure", url=episode.audio_url, type="audio/mpeg", length=str(episode.size_bytes))
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


@router.get("/feeds/{show_slug}.xml")
def rss_feed(show_slug: str, page: int = Query(1, ge=1)):
    return Response(content=build_feed(show_slug, page), media_type="application/rss+xml")


@router.get("/shows/{show_slug}", response_class=HTMLResponse)
def show_page(show_slug: str):
    show, episodes = load_show_with_episodes(show_slug, page=1, page_size=20)
    return Template(SHOW_PAGE).render(show=show, episodes=episodes)  # expect: SEC016
