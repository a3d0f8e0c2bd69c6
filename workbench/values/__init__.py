"""Plain values that cross the layers: what a run asks for (params), the tokens it makes, what it
gives back (results) and the branches of a run. Imports nothing but errors."""
