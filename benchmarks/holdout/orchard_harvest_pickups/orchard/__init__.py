"""Sunny Slope Orchard: pick-your-own slots, crate rentals and weigh stations."""
