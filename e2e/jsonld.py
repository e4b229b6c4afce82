#!/usr/bin/env python3
"""The schema.org structured data of the demo's pages as a search engine's processor reads it.

Serves the demo, takes a solved question's page and a discussion's page as a guest, and
expands each page's JSON-LD with pyld (a JSON-LD 1.1 processor). The schema.org context is
given locally (this machine reaches no other host): the expansion is the processor's own.
Checks that the question expands to a schema:QAPage whose Question has an accepted Answer with
text, and the discussion to a schema:DiscussionForumPosting with its comments.

    python3 e2e/jsonld.py [AGORA_BINARY]      (CI: .ci/run; needs pyld: pip install pyld)
"""

import html.parser
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from pyld import jsonld

S = "http://schema.org/"
SCHEMA_CONTEXT = {"@context": {"@vocab": S}}


def loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": url, "document": SCHEMA_CONTEXT}
    raise jsonld.JsonLdError("no other documents here", "loading document failed", {"url": url})


class Blocks(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.blocks = False, []

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self.inside:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.blocks[-1] += data


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


def expanded(url):
    parser = Blocks()
    parser.feed(get(url))
    assert parser.blocks, f"{url}: no JSON-LD"
    doc = json.loads(parser.blocks[0])
    return jsonld.expand(doc, {"documentLoader": loader})[0]


def one(node, prop):
    values = node.get(S + prop, [])
    assert values, f"no {prop} in {json.dumps(node)[:400]}"
    return values[0]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AGORA_BIN", "target/debug/agora")
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    port_number = port.getsockname()[1]
    port.close()
    base = f"http://127.0.0.1:{port_number}"
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, AGORA_LOG="warn")
        server = subprocess.Popen([binary, "--data-dir", f"{data}/data", "serve", "--demo",
                                   "--listen", f"127.0.0.1:{port_number}"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    get(f"{base}/health")
                    break
                except OSError:
                    time.sleep(0.1)
            latest = json.loads(get(f"{base}/api/v1/latest?limit=100"))["topics"]
            question = next(t for t in latest if t["kind"] == "question" and t["status"] == "solved")
            page = expanded(base + question["url"])
            assert S + "QAPage" in page["@type"], page["@type"]
            q = one(page, "mainEntity")
            assert S + "Question" in q["@type"], q["@type"]
            answer = one(q, "acceptedAnswer")
            assert S + "Answer" in answer["@type"], answer["@type"]
            assert one(answer, "text")["@value"].strip(), "an accepted answer without text"
            print(f"{question['url']}: QAPage, Question {one(q, 'name')['@value']!r}, accepted answer "
                  f"by {one(one(answer, 'author'), 'name')['@value']}")

            talk = next(t for t in latest if t["kind"] == "discussion" and t["reply_count"] > 0)
            page = expanded(base + talk["url"])
            assert S + "DiscussionForumPosting" in page["@type"], page["@type"]
            comments = page.get(S + "comment", [])
            assert comments and all(S + "Comment" in c["@type"] for c in comments), comments
            print(f"{talk['url']}: DiscussionForumPosting {one(page, 'headline')['@value']!r}, "
                  f"{len(comments)} comments")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
