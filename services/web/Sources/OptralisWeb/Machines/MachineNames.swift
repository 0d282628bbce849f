import Synchronization

/// Machine ids to host names, remembered so a machine page can ask for its histories (addressed
/// by host name) at the same time as the machine itself instead of after it. Safe to share
/// between users: a page is shown only once the api has answered the machine to this user, and
/// histories fetched under a name that no longer matches the answer are fetched again.
final class MachineNames: Sendable {
    private let names = Mutex<[String: String]>([:])
    private let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    func hostname(of id: String) -> String? {
        names.withLock { $0[id] }
    }

    func remember(_ hostname: String, for id: String) {
        names.withLock { names in
            if names.count >= capacity, names[id] == nil { names.removeAll(keepingCapacity: true) }
            names[id] = hostname
        }
    }
}
