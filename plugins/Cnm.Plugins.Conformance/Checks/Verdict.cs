namespace Cnm.Plugins.Conformance.Checks;

/// <summary>What a check decided.</summary>
internal sealed record Verdict(CheckOutcome Outcome, string Reason = "", string Hint = "")
{
    public static Verdict Pass { get; } = new(CheckOutcome.Pass);

    public static Verdict Fail(string reason, string hint) => new(CheckOutcome.Fail, reason, hint);

    public static Verdict Warn(string reason, string hint) => new(CheckOutcome.Warn, reason, hint);

    public static Verdict Skip(string reason) => new(CheckOutcome.Skip, reason);
}

/// <summary>A check stops at the first problem by throwing this; the kit turns it into the check's verdict.</summary>
internal sealed class VerdictException(Verdict verdict) : Exception(verdict.Reason)
{
    public Verdict Verdict { get; } = verdict;
}
