/// The Docker Engine API's JSON, as far as the admin routes read it (`GET /containers/json`,
/// `GET /containers/{id}/json`, `GET /containers/{id}/stats`, error bodies). Every field is
/// optional: an engine of another version leaving one out must not fail the whole answer.
/// `Config.Env` is deliberately not decoded: it holds the services' secrets.
enum DockerWire {
    /// An error answer: `{"message": "No such container: x"}`.
    struct Message: Decodable { let message: String? }

    /// One entry of `GET /containers/json`.
    struct ListedContainer: Decodable {
        let id: String?
        let names: [String]?
        let image: String?
        let state: String?
        let status: String?
        /// Unix seconds.
        let created: Int64?
        let ports: [Port]?
        let labels: [String: String]?
        enum CodingKeys: String, CodingKey {
            case id = "Id", names = "Names", image = "Image", state = "State", status = "Status", created = "Created", ports = "Ports", labels = "Labels"
        }
    }

    struct Port: Decodable {
        let ip: String?
        let privatePort: Int?
        let publicPort: Int?
        let type: String?
        enum CodingKeys: String, CodingKey { case ip = "IP", privatePort = "PrivatePort", publicPort = "PublicPort", type = "Type" }
    }

    /// `GET /containers/{id}/json`.
    struct Inspected: Decodable {
        let id: String?
        let name: String?
        /// RFC 3339 with nanoseconds.
        let created: String?
        /// The image's id (`sha256:…`); its name is `Config.Image`.
        let image: String?
        let platform: String?
        let restartCount: Int?
        let path: String?
        let args: [String]?
        let state: State?
        let config: Config?
        let hostConfig: HostConfig?
        let networkSettings: NetworkSettings?
        let mounts: [Mount]?
        enum CodingKeys: String, CodingKey {
            case id = "Id", name = "Name", created = "Created", image = "Image", platform = "Platform", restartCount = "RestartCount"
            case path = "Path", args = "Args", state = "State", config = "Config", hostConfig = "HostConfig"
            case networkSettings = "NetworkSettings", mounts = "Mounts"
        }
    }

    struct State: Decodable {
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
        let health: Health?
        enum CodingKeys: String, CodingKey {
            case status = "Status", running = "Running", paused = "Paused", restarting = "Restarting", oomKilled = "OOMKilled", dead = "Dead"
            case pid = "Pid", exitCode = "ExitCode", error = "Error", startedAt = "StartedAt", finishedAt = "FinishedAt", health = "Health"
        }
    }

    struct Health: Decodable {
        let status: String?
        let failingStreak: Int?
        enum CodingKeys: String, CodingKey { case status = "Status", failingStreak = "FailingStreak" }
    }

    struct Config: Decodable {
        let hostname: String?
        let image: String?
        let cmd: [String]?
        let entrypoint: [String]?
        let workingDir: String?
        let user: String?
        /// With a TTY the logs come raw, without the multiplexing frames.
        let tty: Bool?
        let labels: [String: String]?
        enum CodingKeys: String, CodingKey {
            case hostname = "Hostname", image = "Image", cmd = "Cmd", entrypoint = "Entrypoint", workingDir = "WorkingDir", user = "User"
            case tty = "Tty", labels = "Labels"
        }
    }

    struct HostConfig: Decodable {
        struct RestartPolicy: Decodable {
            let name: String?
            enum CodingKeys: String, CodingKey { case name = "Name" }
        }
        let restartPolicy: RestartPolicy?
        let networkMode: String?
        let memory: Int64?
        let nanoCPUs: Int64?
        enum CodingKeys: String, CodingKey { case restartPolicy = "RestartPolicy", networkMode = "NetworkMode", memory = "Memory", nanoCPUs = "NanoCpus" }
    }

    struct NetworkSettings: Decodable {
        struct Network: Decodable {
            let ipAddress: String?
            let gateway: String?
            let macAddress: String?
            enum CodingKeys: String, CodingKey { case ipAddress = "IPAddress", gateway = "Gateway", macAddress = "MacAddress" }
        }
        let networks: [String: Network]?
        enum CodingKeys: String, CodingKey { case networks = "Networks" }
    }

    struct Mount: Decodable {
        let type: String?
        let source: String?
        let destination: String?
        let mode: String?
        let readWrite: Bool?
        enum CodingKeys: String, CodingKey { case type = "Type", source = "Source", destination = "Destination", mode = "Mode", readWrite = "RW" }
    }

    /// `GET /containers/{id}/stats?stream=false`: one sample, with the previous one in
    /// `precpu_stats` so a CPU share can be worked out. Counters are unsigned 64-bit in the engine.
    struct Stats: Decodable {
        struct CPU: Decodable {
            struct Usage: Decodable { let total_usage: UInt64? }
            let cpu_usage: Usage?
            let system_cpu_usage: UInt64?
            let online_cpus: UInt64?
        }
        struct Memory: Decodable {
            let usage: UInt64?
            let limit: UInt64?
            /// cgroup v2 has `inactive_file`, v1 `cache`: the page cache, left out of "used" as `docker stats` does.
            let stats: [String: UInt64]?
        }
        struct Network: Decodable { let rx_bytes: UInt64?, tx_bytes: UInt64? }
        struct BlockIO: Decodable {
            struct Entry: Decodable { let op: String?, value: UInt64? }
            let io_service_bytes_recursive: [Entry]?
        }
        struct PIDs: Decodable { let current: UInt64? }
        let id: String?
        let name: String?
        let read: String?
        let cpu_stats: CPU?
        let precpu_stats: CPU?
        let memory_stats: Memory?
        let networks: [String: Network]?
        let blkio_stats: BlockIO?
        let pids_stats: PIDs?
    }
}
