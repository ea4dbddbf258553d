{
    "name": "COKA Call Center PBX: test provider type",
    "summary": "Test-only module: a PBX provider type and its adapter, added the way a "
    "provider module adds them",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://coka.vn",
    "author": "COKA",
    "license": "LGPL-3",
    "depends": ["coka_pbx"],
}
