import Foundation
import Hummingbird
import OptralisCore

/// `/api/ai-config` (Enterprise): the client's AI settings — automatic criticality detection from
/// host names, its own patterns, manual classifications, and a custom context the AI service puts
/// in its prompts — and `POST /api/ai-config/analyze`, which classifies the machines. Logged
/// "Configuration IA modifiée".
struct AIConfigController {
    let configs: AIConfigStore
    let gate: LicenceGate
    let activity: ActivityLogger

    struct Settings: ResponseEncodable {
        let config: AIConfigStore.Config
        let classifications: [AIConfigStore.Classification]
        let summary: [String: Int]
        let builtInPatterns: [CriticalityRules.Pattern]
        enum CodingKeys: String, CodingKey { case config, classifications, summary, builtInPatterns = "built_in_patterns" }
    }

    struct UpdateRequest: Decodable {
        struct Manual: Decodable {
            let machineID: UUID
            let criticality: String?
            enum CodingKeys: String, CodingKey { case machineID = "machine_id", criticality }
        }
        let autoDetectEnabled: Bool?
        let customContext: String?
        let customPatterns: [CriticalityRules.Pattern]?
        let language: String?
        let classifications: [Manual]?
        enum CodingKeys: String, CodingKey {
            case language, classifications
            case autoDetectEnabled = "auto_detect_enabled", customContext = "custom_context", customPatterns = "custom_patterns"
        }
    }

    struct Analyzed: ResponseEncodable {
        let success = true
        let classified: [String: Int]
        let settings: Settings
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { _, context -> Settings in try await settings(try await enterprise(context)) }
        group.put { request, context -> Settings in
            let clientID = try await enterprise(context)
            let body = try await request.decode(as: UpdateRequest.self, context: context)
            var config = try await configs.config(clientID: clientID)
            if let enabled = body.autoDetectEnabled { config.autoDetectEnabled = enabled }
            if let text = body.customContext {
                guard text.unicodeScalars.count <= 4000 else { throw APIError.validation("custom_context must be at most 4000 characters") }
                config.customContext = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if let patterns = body.customPatterns { config.customPatterns = try Self.validated(patterns) }
            if let language = try Validation.language(body.language) { config.language = language }
            let manual = try (body.classifications ?? []).map { entry -> (UUID, String?) in
                if let level = entry.criticality, !CriticalityRules.levels.contains(level) {
                    throw APIError.validation("criticality must be critical, important, standard or null (automatic)")
                }
                return (entry.machineID, entry.criticality)
            }
            guard manual.count <= Validation.maximumBatch else { throw APIError.validation("at most \(Validation.maximumBatch) classifications at once") }
            let identity = try context.requireIdentity()
            try await configs.save(config, manual: manual, clientID: clientID, userID: identity.userID)
            await activity.record(.system, "Configuration IA modifiée", clientID: clientID, userID: identity.userID, ip: context.clientIP)
            return try await settings(clientID)
        }
        group.post("analyze") { _, context -> Analyzed in
            let clientID = try await enterprise(context)
            let config = try await configs.config(clientID: clientID)
            guard config.autoDetectEnabled else {
                throw AIError.autoDetectDisabled
            }
            let counts = try await configs.autoClassify(clientID: clientID, custom: config.customPatterns)
            await activity.record(
                .system, "Configuration IA modifiée", metadata: ["analyzed": String(counts.values.reduce(0, +))], clientID: clientID,
                userID: context.identity?.userID, ip: context.clientIP)
            return Analyzed(classified: counts, settings: try await settings(clientID))
        }
    }

    private func settings(_ clientID: UUID) async throws -> Settings {
        async let config = configs.config(clientID: clientID)
        async let classifications = configs.classifications(clientID: clientID)
        let all = try await classifications
        var summary = ["critical": 0, "important": 0, "standard": 0, "unclassified": 0]
        for machine in all { summary[machine.criticality ?? "unclassified", default: 0] += 1 }
        return Settings(config: try await config, classifications: all, summary: summary, builtInPatterns: CriticalityRules.builtIn)
    }

    static func validated(_ patterns: [CriticalityRules.Pattern]) throws -> [CriticalityRules.Pattern] {
        guard patterns.count <= 50 else { throw APIError.validation("at most 50 custom patterns") }
        return try patterns.map { entry in
            let pattern = entry.pattern.trimmingCharacters(in: .whitespaces)
            guard pattern.wholeMatch(of: /[A-Za-z0-9_.-]{2,50}/) != nil else {
                throw APIError.validation("a pattern is 2 to 50 letters, digits, . _ or - (matched anywhere in the host name)")
            }
            guard CriticalityRules.levels.contains(entry.criticality) else { throw APIError.validation("criticality must be critical, important or standard") }
            let reason = entry.reason.trimmingCharacters(in: .whitespaces)
            guard reason.unicodeScalars.count <= 100 else { throw APIError.validation("a pattern's reason must be at most 100 characters") }
            return .init(pattern: pattern, criticality: entry.criticality, reason: reason.isEmpty ? "Motif du client" : reason)
        }
    }

    private func enterprise(_ context: APIRequestContext) async throws -> UUID {
        let clientID = try context.requireIdentity().requireClient()
        try await gate.require(.enterprise, clientID: clientID)
        return clientID
    }
}
