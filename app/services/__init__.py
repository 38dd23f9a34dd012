"""Domain services of zonescore: pure logic the API and CLI call into."""
