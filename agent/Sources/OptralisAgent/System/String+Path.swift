/// Path helpers over plain strings (what `NSString` offered, without full Foundation).
extension String {
    /// The part after the last `/` (the whole string when there is none).
    var lastPathComponent: String {
        guard let slash = lastIndex(of: "/") else { return self }
        return String(self[index(after: slash)...])
    }

    /// Everything before the last `/`; `/` for a file at the root, empty without a `/`.
    var deletingLastPathComponent: String {
        guard let slash = lastIndex(of: "/") else { return "" }
        return slash == startIndex ? "/" : String(self[..<slash])
    }
}
