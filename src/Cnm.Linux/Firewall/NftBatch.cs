using System.Text;
using static Cnm.Linux.Firewall.NftExpr;

namespace Cnm.Linux.Firewall;

/// <summary>
/// One libnftables JSON document of commands on one <c>inet</c> table. libnftables runs a whole document as one
/// netlink batch, so the kernel applies all of it or none.
/// </summary>
internal sealed class NftBatch
{
    private readonly List<string> _commands = [];
    private readonly string _table;

    public NftBatch(string table)
    {
        _table = table;
    }

    public int Count => _commands.Count;

    public void AddTable() => Add("add", "table", Obj(("family", Str("inet")), ("name", Str(_table))));

    public void DeleteTable() => Add("delete", "table", Obj(("family", Str("inet")), ("name", Str(_table))));

    /// <summary>Adds a base chain (idempotent for the same hook and priority) with policy accept.</summary>
    public void AddBaseChain(string name, string type, string hook, int priority) =>
        Add("add", "chain", Obj(Family, Table, ("name", Str(name)), ("type", Str(type)), ("hook", Str(hook)), ("prio", Num(priority)), ("policy", Str("accept"))));

    public void AddChain(string name) => Add("add", "chain", Obj(Family, Table, ("name", Str(name))));

    public void FlushChain(string name) => Add("flush", "chain", Obj(Family, Table, ("name", Str(name))));

    public void DeleteChain(string name) => Add("delete", "chain", Obj(Family, Table, ("name", Str(name))));

    public void AddRule(string chain, string? comment, params string[] expressions)
    {
        var expr = ("expr", "[" + string.Join(',', expressions) + "]");
        Add("add", "rule", comment is null
            ? Obj(Family, Table, ("chain", Str(chain)), expr)
            : Obj(Family, Table, ("chain", Str(chain)), ("comment", Str(comment)), expr));
    }

    public void DeleteRule(string chain, long handle) => Add("delete", "rule", Obj(Family, Table, ("chain", Str(chain)), ("handle", Num(handle))));

    /// <summary>The document: <c>{"nftables":[...]}</c>.</summary>
    public override string ToString() => new StringBuilder("{\"nftables\":[").AppendJoin(',', _commands).Append("]}").ToString();

    private static (string, string) Family => ("family", Str("inet"));

    private (string, string) Table => ("table", Str(_table));

    private void Add(string verb, string kind, string body) => _commands.Add(Obj((verb, Obj((kind, body)))));
}
