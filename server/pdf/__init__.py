"""PDF documents of the mutuelle (tableau de garanties, relevés), on one shared layout."""
