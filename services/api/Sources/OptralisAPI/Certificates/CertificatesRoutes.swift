import Hummingbird
import OptralisServer

extension APIDependencies {
    /// The public CRL, an admin's revocation and renewal of a machine's certificate, and the
    /// super_admin's certificate administration.
    func addCertificatesRoutes(to groups: RouteGroups) {
        let controller = CertificatesController(
            certificates: CertificateStore(database: postgres, logger: logger), ca: ca, activity: activity, statuses: statuses,
            revoker: revoker, published: published)
        controller.addPublicRoutes(to: groups.router)
        controller.addMachineRoutes(to: groups.tenant.group("machines"))
        controller.addAdminRoutes(to: groups.admin)
    }
}
