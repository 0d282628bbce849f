extension AsyncSequence {
    /// Every element, in order: a query's decoded rows, mostly.
    public func collect() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
