using System.Diagnostics.CodeAnalysis;

// Tests mirror src (docs/style.md rule 11), whose folder Ipam/Default names the "default" IPAM.
[assembly: SuppressMessage(
    "Naming",
    "CA1716:Identifiers should not match keywords",
    Justification = "Namespace mirrors src/Cnm.Core/Ipam/Default; VB-only keyword.",
    Scope = "namespace",
    Target = "~N:Cnm.Core.Tests.Ipam.Default")]
