"""Unit tests of the Pex Python tooling."""
