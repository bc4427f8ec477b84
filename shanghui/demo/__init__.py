"""Deterministic demo data (`shanghui demo-data`): see generator.py."""
