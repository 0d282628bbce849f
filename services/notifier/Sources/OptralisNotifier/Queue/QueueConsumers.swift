import ServiceLifecycle

/// The notifier's consumers as one service, so a shutdown reaches them together: a service
/// group stops its services one after the other, and two consumers each spending their grace
/// on a hung delivery would add up past `docker stop`'s 10 s.
struct QueueConsumers: Service {
    let consumers: [QueueConsumer]

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for consumer in consumers {
                group.addTask { try? await consumer.run() }
            }
        }
    }
}
