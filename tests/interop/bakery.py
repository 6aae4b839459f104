"""Bakes and unbakes Open Badges 2.0 images with PyPI openbadges-bakery (concentricsky's bakery, used by Badgr).
Usage: python bakery.py < {"op": "unbake", "file": F} -> {"content": "..."}
       python bakery.py < {"op": "bake", "in": F, "out": G, "text": "..."} -> {"baked": G}"""
import json
import shutil
import sys

import openbadges_bakery


def main():
    request = json.load(sys.stdin)
    if request["op"] == "unbake":
        with open(request["file"], "rb") as image:
            content = openbadges_bakery.unbake(image)
        print(json.dumps({"content": content.decode() if isinstance(content, bytes) else content}))
    else:
        with open(request["in"], "rb") as image:
            baked = openbadges_bakery.bake(image, request["text"])
        with open(request["out"], "wb") as out:
            shutil.copyfileobj(baked, out)
        print(json.dumps({"baked": request["out"]}))


main()
