namespace Cnm.Core.Control;

/// <summary>The object a <see cref="DeletePlan"/> deletes, as the controller's table holds it.</summary>
internal interface IDeleteSubject
{
    /// <summary>The delete did not happen: the object is ready again.</summary>
    void KeepReady();

    /// <summary>The delete happened: the object leaves the table.</summary>
    void Forget();
}
