using Cnm.Plugins.Conformance.CommandLine;

// cnm-plugin-check NAME|ADDRESS [--output table|json|junit] [--plugin-dir DIR] [--spec-dir DIR]... [--prefix P] [--timeout S]
// The same command as `cnm plugin check`; exit 0 when no check failed, 1 when one did, 2 when the plugin cannot be found.
return await ConformanceCommand.CreateRoot().Parse(args).InvokeAsync().ConfigureAwait(false);
