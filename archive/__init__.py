"""The 一事一档 archive, in subpackages by concern; imports point downwards (README: Layout of the code)."""
