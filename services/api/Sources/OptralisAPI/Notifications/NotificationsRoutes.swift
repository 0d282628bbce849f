import Hummingbird
import OptralisServer

extension APIDependencies {
    func addNotificationsRoutes(to groups: RouteGroups) {
        NotificationsController(
            service: ChannelService(
                channels: ChannelStore(database: postgres, logger: logger), queues: queues, activity: activity, gate: gate,
                allowPrivateTargets: !production, publicURL: configuration.publicURL),
            testLimiter: limiter(NotificationsController.testsPerMinute, perSeconds: 60)
        ).addRoutes(to: groups.tenant.group("notifications"))
    }
}
