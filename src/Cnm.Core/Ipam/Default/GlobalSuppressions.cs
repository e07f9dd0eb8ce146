using System.Diagnostics.CodeAnalysis;

// The folder name is fixed by the layout (Ipam/Default holds the IPAM named "default"), and the
// namespace follows the folder (docs/style.md rule 1). Only Visual Basic reserves the word.
[assembly: SuppressMessage(
    "Naming",
    "CA1716:Identifiers should not match keywords",
    Justification = "Namespace follows the folder Ipam/Default; VB-only keyword.",
    Scope = "namespace",
    Target = "~N:Cnm.Core.Ipam.Default")]
