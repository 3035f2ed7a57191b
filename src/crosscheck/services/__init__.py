"""The services behind `Engine`, each over the store: reading sources, analysing, placing in
stories, cross-checking and briefing (results), and following stories (alerts, feeds,
export). `read.queries` builds what the faces show. `Engine` wires them together and is the
one object the faces call."""
