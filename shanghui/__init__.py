"""shanghui (商会): party-building-led work platform for district federations of industry and commerce."""

__version__ = "0.1.0"
