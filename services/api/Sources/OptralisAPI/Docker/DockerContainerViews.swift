import Foundation
import Hummingbird

/// What the admin routes answer about containers: a projection of the engine's JSON with
/// snake_case names, every text clipped and every list capped, so an odd engine answer stays
/// small. The environment (`Config.Env`) is never passed on: it holds secrets.
enum DockerViews {
    /// Texts from the engine are cut to this many characters.
    static let maximumText = 1000
    /// Labels, ports, networks and mounts kept per container.
    static let maximumItems = 100

    static func clip(_ text: String?) -> String? { text.map { String($0.prefix(maximumText)) } }
    static func clip(_ labels: [String: String]?) -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: (labels ?? [:]).sorted { $0.key < $1.key }.prefix(maximumItems).map { (String($0.key.prefix(200)), clip($0.value) ?? "") })
    }
    /// Docker names start with `/`.
    static func name(_ raw: String?) -> String? { clip(raw.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }) }

    struct Port: Encodable {
        let ip: String?
        let privatePort: Int?
        let publicPort: Int?
        let type: String?
        enum CodingKeys: String, CodingKey { case ip, privatePort = "private_port", publicPort = "public_port", type }

        init(_ wire: DockerWire.Port) {
            ip = clip(wire.ip)
            privatePort = wire.privatePort
            publicPort = wire.publicPort
            type = clip(wire.type)
        }
    }

    struct Summary: Encodable {
        let id: String
        let name: String?
        let image: String?
        let state: String?
        let status: String?
        let created: Date?
        let ports: [Port]
        let composeProject: String?
        let composeService: String?
        enum CodingKeys: String, CodingKey {
            case id, name, image, state, status, created, ports, composeProject = "compose_project", composeService = "compose_service"
        }

        init(_ wire: DockerWire.ListedContainer) {
            id = clip(wire.id) ?? ""
            name = DockerViews.name(wire.names?.first)
            image = clip(wire.image)
            state = clip(wire.state)
            status = clip(wire.status)
            created = wire.created.flatMap { (0...Int64(4_102_444_800)).contains($0) ? Date(timeIntervalSince1970: TimeInterval($0)) : nil }
            ports = (wire.ports ?? []).prefix(maximumItems).map(Port.init)
            composeProject = clip(wire.labels?["com.docker.compose.project"])
            composeService = clip(wire.labels?["com.docker.compose.service"])
        }
    }

    /// `GET /api/admin/docker/containers`: at most ``DockerController/maximumContainers``; `total` counts them all.
    struct List: ResponseEncodable {
        let containers: [Summary]
        let total: Int
    }

    struct State: Encodable {
        let status: String?
        let running: Bool?
        let paused: Bool?
        let restarting: Bool?
        let oomKilled: Bool?
        let dead: Bool?
        let pid: Int?
        let exitCode: Int?
        let error: String?
        let startedAt: String?
        let finishedAt: String?
        let health: String?
        enum CodingKeys: String, CodingKey {
            case status, running, paused, restarting, oomKilled = "oom_killed", dead, pid, exitCode = "exit_code", error
            case startedAt = "started_at", finishedAt = "finished_at", health
        }

        init(_ wire: DockerWire.State?) {
            status = clip(wire?.status)
            running = wire?.running
            paused = wire?.paused
            restarting = wire?.restarting
            oomKilled = wire?.oomKilled
            dead = wire?.dead
            pid = wire?.pid
            exitCode = wire?.exitCode
            error = clip(wire?.error)
            startedAt = clip(wire?.startedAt)
            finishedAt = clip(wire?.finishedAt)
            health = clip(wire?.health?.status)
        }
    }

    struct Network: Encodable {
        let name: String
        let ipAddress: String?
        let gateway: String?
        let macAddress: String?
        enum CodingKeys: String, CodingKey { case name, ipAddress = "ip_address", gateway, macAddress = "mac_address" }
    }

    struct Mount: Encodable {
        let type: String?
        let source: String?
        let destination: String?
        let mode: String?
        let readWrite: Bool?
        enum CodingKeys: String, CodingKey { case type, source, destination, mode, readWrite = "rw" }
    }

    /// `GET /api/admin/docker/containers/:id`.
    struct Details: ResponseEncodable {
        let id: String
        let name: String?
        let image: String?
        let imageID: String?
        let created: String?
        let platform: String?
        let restartCount: Int?
        let command: [String]
        let state: State
        let hostname: String?
        let workingDir: String?
        let user: String?
        let tty: Bool
        let labels: [String: String]
        let restartPolicy: String?
        let networkMode: String?
        let memoryLimit: Int64?
        let nanoCPUs: Int64?
        let networks: [Network]
        let mounts: [Mount]
        enum CodingKeys: String, CodingKey {
            case id, name, image, imageID = "image_id", created, platform, restartCount = "restart_count", command, state, hostname
            case workingDir = "working_dir", user, tty, labels, restartPolicy = "restart_policy", networkMode = "network_mode"
            case memoryLimit = "memory_limit", nanoCPUs = "nano_cpus", networks, mounts
        }

        init(_ wire: DockerWire.Inspected) {
            id = clip(wire.id) ?? ""
            name = DockerViews.name(wire.name)
            image = clip(wire.config?.image)
            imageID = clip(wire.image)
            created = clip(wire.created)
            platform = clip(wire.platform)
            restartCount = wire.restartCount
            command = ([wire.path].compactMap { $0 } + (wire.args ?? [])).prefix(maximumItems).compactMap { clip($0) }
            state = State(wire.state)
            hostname = clip(wire.config?.hostname)
            workingDir = clip(wire.config?.workingDir)
            user = clip(wire.config?.user)
            tty = wire.config?.tty ?? false
            labels = clip(wire.config?.labels)
            restartPolicy = clip(wire.hostConfig?.restartPolicy?.name)
            networkMode = clip(wire.hostConfig?.networkMode)
            memoryLimit = wire.hostConfig?.memory
            nanoCPUs = wire.hostConfig?.nanoCPUs
            networks = (wire.networkSettings?.networks ?? [:]).sorted { $0.key < $1.key }.prefix(maximumItems).map {
                Network(name: clip($0.key) ?? "", ipAddress: clip($0.value.ipAddress), gateway: clip($0.value.gateway), macAddress: clip($0.value.macAddress))
            }
            mounts = (wire.mounts ?? []).prefix(maximumItems).map {
                Mount(type: clip($0.type), source: clip($0.source), destination: clip($0.destination), mode: clip($0.mode), readWrite: $0.readWrite)
            }
        }
    }

    /// `POST /api/admin/docker/containers/:id/{start,stop,restart}`. `changed` is false when the
    /// engine answered 304 (already started, already stopped).
    struct ActionDone: ResponseEncodable {
        let id: String
        let action: String
        let changed: Bool
    }
}
