{
  "targets": [
    {
      "target_name": "ktool_crc32c",
      "sources": ["crc32c.c"],
      "cflags": ["-O2"]
    }
  ]
}
