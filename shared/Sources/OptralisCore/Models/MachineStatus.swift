/// When a machine counts as online, for every service that shows it (the fleet routes, reports):
/// seen within the offline detection's default threshold.
public enum MachineStatus {
    public static let onlineMinutes = 5
}
