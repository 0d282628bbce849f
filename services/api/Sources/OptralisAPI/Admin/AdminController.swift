import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// `/api/admin/*` for the super_admin: clients, licences, licence types, impersonation and the
/// activity log. ``SuperAdminMiddleware`` guards the whole group.
struct AdminController {
    let service: ClientAdminService
    let licenseTypes: LicenseTypeStore
    let activityLog: ActivityStore
    let activity: ActivityLogger

    struct ClientList: ResponseEncodable { let clients: [ClientStore.Record] }
    struct LicenseID: ResponseEncodable {
        let licenseID: UUID
        enum CodingKeys: String, CodingKey { case licenseID = "license_id" }
    }
    struct ExtendRequest: Decodable { let days: Int }
    struct Extended: ResponseEncodable {
        let licenseExpiresAt: Date
        enum CodingKeys: String, CodingKey { case licenseExpiresAt = "license_expires_at" }
    }
    struct License: Codable {
        let clientID: UUID
        let clientName: String
        let licenseID: UUID
        let licenseType: String
        let licenseStatus: String
        let licenseExpiresAt: Date?
        let daysLeft: Int?
        let machines: Int
        let maxMachines: Int?
        enum CodingKeys: String, CodingKey {
            case clientID = "client_id", clientName = "client_name", licenseID = "license_id", licenseType = "license_type"
            case licenseStatus = "license_status", licenseExpiresAt = "license_expires_at", daysLeft = "days_left", machines
            case maxMachines = "max_machines"
        }
    }
    struct LicenseList: ResponseEncodable { let licenses: [License] }
    struct LicenseTypeList: ResponseEncodable {
        let licenseTypes: [LicenseTypeStore.Record]
        enum CodingKeys: String, CodingKey { case licenseTypes = "license_types" }
    }
    struct ActivityPage: ResponseEncodable {
        let logs: [ActivityStore.Entry]
        let total: Int
        let page: Int
        let limit: Int
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("clients") { _, _ in ClientList(clients: try await service.clients.list()) }
        group.get("clients/:id") { _, context -> ClientStore.Record in
            guard let client = try await service.clients.find(id: try context.parameters.require("id", as: UUID.self)) else {
                throw APIError.notFound("client")
            }
            return client
        }
        group.post("clients") { request, context -> Response in
            let body = try await request.decode(as: ClientAdminService.CreateRequest.self, context: context)
            let created = try await service.create(body, by: context.requireIdentity(), ip: context.clientIP)
            return try created.jsonResponse(from: request, context: context, status: .created)
        }
        group.put("clients/:id") { request, context -> ClientStore.Record in
            let body = try await request.decode(as: ClientAdminService.UpdateRequest.self, context: context)
            return try await service.update(id: try context.parameters.require("id", as: UUID.self), body, by: context.requireIdentity(), ip: context.clientIP)
        }
        group.delete("clients/:id") { _, context -> HTTPResponse.Status in
            try await service.delete(id: try context.parameters.require("id", as: UUID.self), by: context.requireIdentity(), ip: context.clientIP)
            return .noContent
        }
        group.post("clients/:id/regenerate-license-id") { _, context -> LicenseID in
            LicenseID(
                licenseID: try await service.regenerateLicenseID(
                    id: try context.parameters.require("id", as: UUID.self), by: context.requireIdentity(), ip: context.clientIP))
        }
        group.put("clients/:id/extend") { request, context -> Extended in
            let body = try await request.decode(as: ExtendRequest.self, context: context)
            return Extended(
                licenseExpiresAt: try await service.extend(
                    id: try context.parameters.require("id", as: UUID.self), days: body.days, by: context.requireIdentity(), ip: context.clientIP))
        }
        group.post("impersonate/:clientId") { _, context -> ClientAdminService.Impersonation in
            try await service.impersonate(
                clientID: try context.parameters.require("clientId", as: UUID.self), by: context.requireIdentity(), ip: context.clientIP)
        }
        group.get("licenses") { _, _ -> LicenseList in
            let now = Date()
            return LicenseList(
                licenses: try await service.clients.list().map { client in
                    License(
                        clientID: client.id, clientName: client.name, licenseID: client.licenseID, licenseType: client.licenseType,
                        licenseStatus: client.licenseStatus, licenseExpiresAt: client.licenseExpiresAt,
                        daysLeft: client.licenseExpiresAt.map { Int(($0.timeIntervalSince(now) / 86_400).rounded(.down)) },
                        machines: client.machines, maxMachines: client.maxMachines)
                })
        }
        addLicenseTypeRoutes(to: group)
        group.get("activity") { request, _ -> ActivityPage in
            let filter = try Self.activityFilter(request.uri.queryParameters)
            let (logs, total) = try await activityLog.search(filter)
            return ActivityPage(logs: logs, total: total, page: filter.paging.page, limit: filter.paging.limit)
        }
        group.get("activity/stats") { _, _ in try await activityLog.stats() }
    }

    private func addLicenseTypeRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("license-types") { _, _ in LicenseTypeList(licenseTypes: try await licenseTypes.list()) }
        group.post("license-types") { request, context -> Response in
            let record = try Self.validated(try await request.decode(as: LicenseTypeStore.Record.self, context: context))
            guard let id = try await licenseTypes.insert(record), let created = try await licenseTypes.find(id: id) else {
                throw AdminError.licenseTypeExists
            }
            await activity.record(
                .system, "Type de licence créé", metadata: ["code": record.code], userID: try context.requireIdentity().userID, ip: context.clientIP)
            return try created.jsonResponse(from: request, context: context, status: .created)
        }
        group.put("license-types/:id") { request, context -> LicenseTypeStore.Record in
            let id = try context.parameters.require("id", as: UUID.self)
            let record = try Self.validated(try await request.decode(as: LicenseTypeStore.Record.self, context: context))
            guard try await licenseTypes.update(id: id, record), let updated = try await licenseTypes.find(id: id) else {
                throw APIError.notFound("licence type")
            }
            await service.cache.invalidateClient(nil)
            await activity.record(
                .system, "Type de licence modifié", metadata: ["code": updated.code], userID: try context.requireIdentity().userID, ip: context.clientIP)
            return updated
        }
        group.delete("license-types/:id") { _, context -> HTTPResponse.Status in
            switch try await licenseTypes.delete(id: try context.parameters.require("id", as: UUID.self)) {
            case .deleted: return .noContent
            case .notFound: throw APIError.notFound("licence type")
            case .inUse(let count): throw AdminError.licenseTypeInUse(clients: count)
            }
        }
    }

    static func validated(_ record: LicenseTypeStore.Record) throws -> LicenseTypeStore.Record {
        guard record.code.range(of: "^[a-z][a-z0-9_]{1,29}$", options: .regularExpression) != nil else {
            throw APIError.validation("code must be 2 to 30 lower-case letters, digits or _ and start with a letter")
        }
        guard (1...100).contains(record.name.trimmingCharacters(in: .whitespaces).unicodeScalars.count) else {
            throw APIError.validation("name must be 1 to 100 characters")
        }
        guard (1...3650).contains(record.metricsRetentionDays), (1...3650).contains(record.eventsRetentionDays) else {
            throw APIError.validation("retention days must be between 1 and 3650")
        }
        if let maxMachines = record.maxMachines { try Validation.integer(maxMachines, field: "max_machines", in: 1...Validation.maximumInteger) }
        try Validation.integer(record.tierLevel, field: "tier_level", in: 0...Validation.maximumInteger)
        try Validation.integer(record.aiMonthlyQuota, field: "ai_monthly_quota", in: 0...Validation.maximumInteger)
        return record
    }

    static func activityFilter(_ query: Parameters) throws -> ActivityStore.Filter {
        let category = query["category"].map(String.init)
        if let category, ActivityLogger.Category(rawValue: category) == nil { throw APIError.validation("unknown category \(category)") }
        let level = query["level"].map(String.init)
        if let level, ActivityLogger.Level(rawValue: level) == nil { throw APIError.validation("level must be info, warn or error") }
        return .init(
            category: category, level: level, clientID: try query.uuid("client_id"), userID: try query.uuid("user_id"),
            search: try query.text("search", maximumLength: 200), from: try query.date("from"), to: try query.date("to"),
            paging: try query.paging(defaultLimit: 50, maximumLimit: 200))
    }
}

extension ClientStore.Record: ResponseEncodable {}
extension LicenseTypeStore.Record: ResponseEncodable {}
extension ActivityStore.Stats: ResponseEncodable {}
extension ClientAdminService.Impersonation: ResponseEncodable {}
