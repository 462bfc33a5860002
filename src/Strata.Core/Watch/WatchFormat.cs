using Strata.Engine;

namespace Strata.Watch;

/// <summary>How a stream shows change events: which namespaces it follows and the bytes each event becomes.</summary>
internal abstract class WatchFormat
{
    /// <summary>The SSE event type of a change.</summary>
    public abstract string ChangeEvent { get; }

    /// <summary>The SSE event type of <see cref="Reloaded"/>'s answer.</summary>
    public virtual string ReloadEvent => WatchStream.Reset;

    /// <summary>Streams with equal keys render every event the same: they share its bytes.</summary>
    public abstract string Key { get; }

    public abstract bool Watches(string ns);

    /// <summary>The signed event; empty when nothing in it is this stream's business.</summary>
    public abstract byte[] Render(ChangeEvent e);

    public virtual bool RevealsSecretIn(ChangeEvent e) => false;

    /// <summary>What a reload of the store becomes; null: a <c>reset</c>.</summary>
    public virtual byte[]? Reloaded(ChangeEvent e) => null;
}
