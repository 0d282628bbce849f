/// Trimming without full Foundation: `trimmingCharacters(in:)` lives in Foundation, not in
/// FoundationEssentials, and the agent links only the latter.
extension StringProtocol {
    /// Without leading and trailing whitespace and newlines.
    public func trimmed() -> String {
        trimmed { $0.isWhitespace }
    }

    /// Without leading and trailing characters among `characters`.
    public func trimmed(_ characters: Set<Character>) -> String {
        trimmed { characters.contains($0) }
    }

    /// Without leading and trailing characters for which `drop` holds.
    public func trimmed(where drop: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[first...last])
    }
}
