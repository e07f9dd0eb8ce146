using Cnm.Store.Tests;

// Run by the crash tests as `dotnet Cnm.Store.Tests.dll crash-writer <state file> <first index>`; the test host never calls it.
return args is ["crash-writer", var path, var first]
    ? await CrashWriter.RunAsync(path, int.Parse(first, System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false)
    : 2;
