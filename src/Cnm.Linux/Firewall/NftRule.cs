namespace Cnm.Linux.Firewall;

/// <summary>One rule of a listing: its chain, its handle (for delete) and its comment (our tag), if any.</summary>
internal sealed record NftRule(string Chain, long Handle, string? Comment);
