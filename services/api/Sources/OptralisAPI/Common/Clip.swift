import OptralisCore

/// A text cut to the column's length in code points (PostgreSQL's `varchar(n)` counts those).
func clip(_ text: String, _ limit: Int) -> String { text.clipped(toCodePoints: limit) }

func clip(_ text: String?, _ limit: Int) -> String? { text.map { clip($0, limit) } }
