using Cnm.Core.Model;

namespace Cnm.Core.Control;

/// <summary>
/// One join in progress, alone or as the second half of a connect: the operation (its intent's and test steps' name), the
/// network and its driver, the endpoint and sandbox as they were, the intent, the undo steps, and the message of a failure.
/// </summary>
internal sealed record JoinWork(string Operation, Network Owner, NetworkDriverEntry Driver, Endpoint Endpoint, Sandbox Sandbox, Intent Intent,
    Rollback Rollback, string NotDone);
