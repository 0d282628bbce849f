import Foundation

/// A response body that is also the stored `ai_analysis_results.result`: encoded without `id`
/// and `created_at` (the row's own columns) to store it, then given both for the response.
protocol StoredAnalysisReport: Encodable, Sendable {
    var id: UUID? { get set }
    var createdAt: Date? { get set }
    var summary: String { get }
    var topIssues: [AnalysisIssue] { get }
}
