"""Text addressed to an automated reviewer or a language model: shared by the Python and file checks."""

from __future__ import annotations

import re

# A claim of a model's role: in a comment it talks to the tool reading the code; in a string it is more often an
# application's own prompt ("You are a helpful assistant"), which addresses the application's model, not a reviewer.
_ROLE_CLAIMS = [
    re.compile(r"\b(you are|act as|pretend to be)\b[^\n]{0,30}\b(ai|assistant|language model|llm|chatbot|"
               r"gpt|chatgpt|claude|copilot|gemini)\b", re.IGNORECASE),
    # "as an AI language model": only with the role right after it ("as an object (Anthropic, Gemini)" is prose).
    re.compile(r"\bas an?\s+(ai|assistant|language model|llm|chatbot)\b", re.IGNORECASE),
]
# Who a reviewer-directed instruction names: tools and people that review code, or a model as such; not any
# "model" (an ML model, a Django model), "bot" or "scanner" (a barcode scanner), which ordinary comments mention.
_REVIEWER = (r"(ai|llms?|gpt|language models?|automated (code )?review\w*|automated (tools?|scanners?|analy[sz]ers?)|"
             r"static analy[sz]ers?|security scanners?|code review(ers?|s)?|reviewers?|review (bots?|tools?)|"
             r"assistants?)")
# Each pattern is a way reviewed code talks to the tool reviewing it rather than to a human reader.
_DIRECTED = [
    re.compile(r"\b(ignore|disregard|forget|override)\b[^\n]{0,40}\b(previous|prior|above|earlier|all|any|your)\b"
               r"[^\n]{0,20}\b(instructions?|rules|prompts?|guidelines|directions)\b", re.IGNORECASE),
    re.compile(r"\b(you are|act as|pretend to be|as an?)\b[^\n]{0,30}\b(code reviewer|reviewer bot|"
               r"security reviewer|code review (assistant|bot|tool))\b", re.IGNORECASE),
    re.compile(r"\b" + _REVIEWER + r"\b[^\n]{0,60}\b(must|should|shall|please|do not|don't|never)\b[^\n]{0,40}"
               r"\b(approve|ignore|skip|report|flag|mention|pass|lgtm)\b", re.IGNORECASE),
    re.compile(r"\b(report|return|output|respond with|answer with|reply with)\b[^\n]{0,30}"
               r"(\bno (issues|findings|problems|vulnerabilities)\b|\"verdict\"\s*:|\bverdict\s*[:=]\s*\"?ok\b)",
               re.IGNORECASE),
    re.compile(r"<\|im_(start|end)\|>|\[/?INST\]|<\|(system|user|assistant)\|>|<<SYS>>|^\s*#+\s*(system|assistant)\s*:",
               re.IGNORECASE),
    re.compile(r"UNTRUSTED CODE|Checklist questions:|Facts found by deterministic checks"),
]


def addresses_a_reviewer(text: str, *, in_string: bool = False) -> bool:
    """Whether the text talks to a tool reviewing the code. In a string literal a bare role claim does not count
    (that is how an LLM application writes its own prompts); an instruction to approve or stay silent does."""
    patterns = _DIRECTED if in_string else _ROLE_CLAIMS + _DIRECTED
    return any(pattern.search(text) for pattern in patterns)
