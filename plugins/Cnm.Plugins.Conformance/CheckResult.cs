namespace Cnm.Plugins.Conformance;

/// <summary>The result of one check.</summary>
/// <param name="Id">A stable identifier, such as <c>network.delete-idempotent</c>.</param>
/// <param name="Title">What was checked, in words.</param>
/// <param name="Outcome">Pass, warn, fail or skip.</param>
/// <param name="Reason">What was seen (empty for a pass).</param>
/// <param name="Hint">What to change in the plugin (empty for a pass).</param>
/// <param name="Duration">How long the check took.</param>
public sealed record CheckResult(string Id, string Title, CheckOutcome Outcome, string Reason, string Hint, TimeSpan Duration);
