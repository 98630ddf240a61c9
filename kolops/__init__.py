"""KOLOps: KOL / KOC management for the marketing team of a company group."""
