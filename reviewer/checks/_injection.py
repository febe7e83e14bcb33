"""Text addressed to an automated reviewer or a language model: shared by the Python and file checks."""

from __future__ import annotations

import re

# Each pattern is a way reviewed code talks to the tool reviewing it rather than to a human reader.
_PATTERNS = [
    re.compile(r"\b(ignore|disregard|forget|override)\b[^\n]{0,40}\b(previous|prior|above|earlier|all|any|your)\b"
               r"[^\n]{0,20}\b(instructions?|rules|prompts?|guidelines|directions)\b", re.IGNORECASE),
    re.compile(r"\b(you are|act as|pretend to be)\b[^\n]{0,30}\b(ai|assistant|language model|llm|chatbot|"
               r"code reviewer|reviewer bot|gpt|chatgpt|claude|copilot|gemini)\b", re.IGNORECASE),
    # "as an AI language model": only with the role right after it ("as an object (Anthropic, Gemini)" is prose).
    re.compile(r"\bas an?\s+(ai|assistant|language model|llm|chatbot|code reviewer|reviewer bot)\b", re.IGNORECASE),
    re.compile(r"\b(ai|llm|model|automated|bot|static analy[sz]er|scanner|code review(er)?)s?\b[^\n]{0,60}"
               r"\b(must|should|shall|please|do not|don't|never)\b[^\n]{0,40}"
               r"\b(approve|ignore|skip|report|flag|mention|pass|lgtm)\b", re.IGNORECASE),
    re.compile(r"\b(report|return|output|respond with|answer with|reply with)\b[^\n]{0,30}"
               r"(\bno (issues|findings|problems|vulnerabilities)\b|\"verdict\"\s*:|\bverdict\s*[:=]\s*\"?ok\b)",
               re.IGNORECASE),
    re.compile(r"<\|im_(start|end)\|>|\[/?INST\]|<\|(system|user|assistant)\|>|<<SYS>>|^\s*#+\s*(system|assistant)\s*:",
               re.IGNORECASE),
    re.compile(r"UNTRUSTED CODE|Checklist questions:|Facts found by deterministic checks"),
]


def addresses_a_reviewer(text: str) -> bool:
    return any(pattern.search(text) for pattern in _PATTERNS)
