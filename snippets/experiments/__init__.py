"""Experiments that go beyond the chapter: the dark room's two trained models, which kernel PyTorch
picks, and what the T x T matrices cost at GPT-2 scale."""
