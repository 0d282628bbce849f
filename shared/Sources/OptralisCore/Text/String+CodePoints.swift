extension StringProtocol {
    /// At most `limit` Unicode scalars: PostgreSQL's `VARCHAR(n)` counts code points, while
    /// `prefix(n)` counts grapheme clusters (a letter and its combining mark are one).
    public func clipped(toCodePoints limit: Int) -> String {
        unicodeScalars.count <= limit ? String(self) : String(String.UnicodeScalarView(unicodeScalars.prefix(limit)))
    }
}
