namespace Cnm.Core.Control;

/// <summary>One object of a controller table being deleted: <see cref="KeepReady"/> puts its ready form back, <see cref="Forget"/> removes it.</summary>
internal sealed class TableRow<T>(Lock gate, Dictionary<string, T> table, string id, T ready) : IDeleteSubject
{
    public void KeepReady()
    {
        lock (gate)
        {
            table[id] = ready;
        }
    }

    public void Forget()
    {
        lock (gate)
        {
            table.Remove(id);
        }
    }
}
