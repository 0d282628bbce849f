import Foundation
import Hummingbird
import OptralisCore

/// `/api/databases` (spec "Monitoring Bases de Données (Pro+)"): the databases the agents
/// collect from, their figures and their slow queries. Pro licence or above (403
/// `PREMIUM_REQUIRED`); Pro watches 1 database, Business 10, Enterprise any number (403
/// `DATABASE_LIMIT_REACHED` past it). Observers read, admins write (``TenantMiddleware``).
/// Passwords are sealed (``CredentialSealer``) and never answered: `has_password` only.
struct DatabasesController {
    let store: DatabaseStore
    let sealer: CredentialSealer
    let settings: ClientSettingsStore
    let activity: ActivityLogger

    static let engines = ["postgresql", "mysql"]

    struct DatabaseRequest: Decodable {
        let machineID: UUID?
        let name: String?
        let engine: String?
        let host: String?
        let port: Int?
        let databaseName: String?
        let username: String?
        let password: String?
        let enabled: Bool?
        enum CodingKeys: String, CodingKey {
            case machineID = "machine_id", name, engine, host, port, databaseName = "database_name", username, password, enabled
        }
    }

    struct List: ResponseEncodable {
        let databases: [DatabaseStore.Entry]
        let total: Int
        /// How many databases the licence allows (null: no limit).
        let limit: Int?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(databases, forKey: .databases)
            try c.encode(total, forKey: .total)
            try c.encode(limit, forKey: .limit)
        }
        enum CodingKeys: String, CodingKey { case databases, total, limit }
    }

    struct Metrics: ResponseEncodable {
        let databaseID: UUID
        let period: String
        let bucketSeconds: Int
        let points: [DatabaseFigures]
        enum CodingKeys: String, CodingKey { case databaseID = "database_id", period, bucketSeconds = "bucket_seconds", points }
    }

    struct SlowQueries: ResponseEncodable {
        let databaseID: UUID
        let collectedAt: Date?
        let queries: [SlowQuery]
        let missing: [String]
        enum CodingKeys: String, CodingKey { case databaseID = "database_id", collectedAt = "collected_at", queries, missing }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(databaseID, forKey: .databaseID)
            try c.encode(collectedAt, forKey: .collectedAt)
            try c.encode(queries, forKey: .queries)
            try c.encode(missing, forKey: .missing)
        }
    }

    /// Period → (seconds back, bucket seconds).
    static let periods: [String: (Int, Int)] = ["1h": (3_600, 60), "24h": (86_400, 300), "7d": (604_800, 3_600), "30d": (2_592_000, 21_600)]

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { _, context -> List in
            let (clientID, limit) = try await client(context)
            let databases = try await store.all(clientID: clientID)
            return List(databases: databases, total: databases.count, limit: limit)
        }
        group.post { request, context -> EditedResponse<DatabaseStore.Entry> in
            let (clientID, limit) = try await client(context)
            let body = try await request.decode(as: DatabaseRequest.self, context: context)
            var fields = try Self.fields(body)
            guard let machineID = body.machineID else { throw APIError.validation("machine_id is required") }
            fields.machineID = machineID
            guard fields.engine != nil, fields.host != nil, fields.port != nil, fields.databaseName != nil, fields.username != nil else {
                throw APIError.validation("engine, host, port, database_name and username are required")
            }
            guard try await store.machineExists(machineID, clientID: clientID) else { throw APIError.notFound("machine") }
            let id = UUID()
            let sealed = try Self.password(body.password).flatMap { $0 }.map { try sealer.seal($0, for: id) }
            guard try await store.create(id: id, clientID: clientID, fields: fields, sealed: sealed, limit: limit) else {
                throw DatabaseError.limit(limit)
            }
            try await record(context, "Base de données ajoutée", ["id": id.uuidString, "engine": fields.engine ?? ""])
            return EditedResponse(status: .created, response: try await found(id, clientID))
        }
        group.get(":id") { _, context -> DatabaseStore.Entry in
            let (clientID, _) = try await client(context)
            return try await found(try Validation.pathID(context), clientID)
        }
        group.put(":id") { request, context -> DatabaseStore.Entry in
            let (clientID, _) = try await client(context)
            let id = try Validation.pathID(context)
            let body = try await request.decode(as: DatabaseRequest.self, context: context)
            var fields = try Self.fields(body)
            if let machineID = body.machineID {
                guard try await store.machineExists(machineID, clientID: clientID) else { throw APIError.notFound("machine") }
                fields.machineID = machineID
            }
            let password: [UInt8]?? = try Self.password(body.password).map { try $0.map { try sealer.seal($0, for: id) } }
            guard try await store.update(id: id, clientID: clientID, fields: fields, password: password) else { throw APIError.notFound("database") }
            try await record(context, "Base de données modifiée", ["id": id.uuidString])
            return try await found(id, clientID)
        }
        group.delete(":id") { _, context -> CountDone in
            let (clientID, _) = try await client(context)
            let id = try Validation.pathID(context)
            guard try await store.delete(id: id, clientID: clientID) else { throw APIError.notFound("database") }
            try await record(context, "Base de données supprimée", ["id": id.uuidString])
            return CountDone(count: 1)
        }
        group.get(":id/metrics") { request, context -> Metrics in
            let (clientID, _) = try await client(context)
            let id = try Validation.pathID(context)
            let period = request.uri.queryParameters.get("period") ?? "24h"
            guard let (seconds, bucket) = Self.periods[period] else { throw APIError.validation("period must be one of 1h, 24h, 7d, 30d") }
            _ = try await found(id, clientID)
            let points = try await store.metrics(id: id, since: Date().addingTimeInterval(-Double(seconds)), bucketSeconds: bucket)
            return Metrics(databaseID: id, period: period, bucketSeconds: bucket, points: points)
        }
        group.get(":id/slow-queries") { _, context -> SlowQueries in
            let (clientID, _) = try await client(context)
            let id = try Validation.pathID(context)
            guard let latest = try await store.slowQueries(id: id, clientID: clientID) else { throw APIError.notFound("database") }
            return SlowQueries(databaseID: id, collectedAt: latest.collectedAt, queries: latest.queries, missing: latest.missing)
        }
    }

    private func record(_ context: APIRequestContext, _ message: String, _ metadata: [String: String]) async throws {
        let identity = try context.requireIdentity()
        await activity.record(.system, message, metadata: metadata, clientID: try identity.requireClient(), userID: identity.userID, ip: context.clientIP)
    }

    private func found(_ id: UUID, _ clientID: UUID) async throws -> DatabaseStore.Entry {
        guard let entry = try await store.find(id: id, clientID: clientID) else { throw APIError.notFound("database") }
        return entry
    }

    /// The caller's client, once its licence is checked (Pro or above), and how many databases
    /// the licence allows (nil: no limit).
    private func client(_ context: APIRequestContext) async throws -> (UUID, Int?) {
        let clientID = try context.requireIdentity().requireClient()
        let licence = try await settings.settings(clientID)
        guard licence.tierLevel >= LicenceGate.Tier.pro.rawValue else {
            throw LicenceError.premiumRequired(tier: "Pro", clientLicence: licence.licenseName)
        }
        return (clientID, Self.limit(tierLevel: licence.tierLevel))
    }

    /// Pro 1, Business 10, Enterprise (and above) no limit.
    static func limit(tierLevel: Int) -> Int? {
        switch tierLevel {
        case ...LicenceGate.Tier.pro.rawValue: 1
        case LicenceGate.Tier.business.rawValue: 10
        default: nil
        }
    }

    /// The request's fields, each checked; absent ones nil.
    static func fields(_ body: DatabaseRequest) throws -> DatabaseStore.Fields {
        var fields = DatabaseStore.Fields()
        if let raw = body.name {
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            fields.name = .some(trimmed.isEmpty ? nil : try Validation.text(trimmed, field: "name", maximum: 100))
        }
        if let engine = body.engine {
            if engine == "sqlserver" { throw APIError.validation("engine sqlserver is not supported yet; engine must be postgresql or mysql (MySQL, MariaDB)") }
            guard engines.contains(engine) else { throw APIError.validation("engine must be postgresql or mysql (MySQL, MariaDB)") }
            fields.engine = engine
        }
        if let host = try Validation.text(body.host, field: "host", maximum: 255) {
            guard host.unicodeScalars.allSatisfy({ $0.properties.isWhitespace == false && $0.value >= 0x21 && $0.value != 0x7F }), !host.hasPrefix("-") else {
                throw APIError.validation("host must be a host name or an IP address, without spaces")
            }
            fields.host = host
        }
        if let port = body.port {
            try Validation.integer(port, field: "port", in: 1...65_535)
            fields.port = port
        }
        fields.databaseName = try Self.identifier(body.databaseName, field: "database_name")
        fields.username = try Self.identifier(body.username, field: "username")
        fields.enabled = body.enabled
        return fields
    }

    /// 1 to 128 characters, no control character, not starting with `-` (it goes to a client
    /// tool's command line on the agent).
    private static func identifier(_ raw: String?, field: String) throws -> String? {
        guard let value = try Validation.text(raw, field: field, maximum: 128) else { return nil }
        guard !value.hasPrefix("-"), value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw APIError.validation("\(field) must not start with - nor hold control characters")
        }
        return value
    }

    /// nil: absent (kept); `.some(nil)`: empty (cleared); else at most 1,024 characters, no NUL.
    static func password(_ raw: String?) throws -> String?? {
        guard let raw else { return nil }
        if raw.isEmpty { return .some(nil) }
        guard raw.unicodeScalars.count <= 1_024, !raw.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw APIError.validation("password must be at most 1024 characters")
        }
        return .some(raw)
    }
}

extension DatabaseStore.Entry: ResponseEncodable {}
