/// Why an analysis may run again, or why it is not worth it (HTTP 304 `NO_NEW_DATA` /
/// `NO_SIGNIFICANT_CHANGES`).
enum ChangeVerdict: Sendable, Equatable {
    case noNewData
    case noSignificantChanges
    case significant([ChangeReason])
}
