using System.Text;

namespace Strata.Tests.Infrastructure;

/// <summary>
/// A one-shot fault for <see cref="TcpRelay"/>: XOR one byte, the <see cref="Offset"/>th after the next <c>marker</c>
/// in a stream (0 is the byte right after it), whichever connection reaches it first. The marker is matched across
/// reads (KMP), so it may straddle any two.
/// </summary>
public sealed class ByteFlip
{
    private readonly byte[] _marker;
    private readonly int[] _fallback;
    private readonly TaskCompletionSource _forwarded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _claimed;

    public ByteFlip(string marker, int offset, byte mask)
    {
        ArgumentException.ThrowIfNullOrEmpty(marker);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfZero(mask);
        _marker = Encoding.UTF8.GetBytes(marker);
        Offset = offset;
        Mask = mask;
        _fallback = new int[_marker.Length];
        for (int i = 1, k = 0; i < _marker.Length; i++)
        {
            while (k > 0 && _marker[i] != _marker[k]) k = _fallback[k - 1];
            if (_marker[i] == _marker[k]) k++;
            _fallback[i] = k;
        }
    }

    public int Offset { get; }

    public byte Mask { get; }

    /// <summary>Completes once the flipped byte has been sent on.</summary>
    public Task Forwarded => _forwarded.Task;

    public bool IsClaimed => Volatile.Read(ref _claimed) != 0;

    /// <summary>A fresh matching state for one stream.</summary>
    public Cursor Start() => new(this);

    internal void Sent() => _forwarded.TrySetResult();

    internal void Failed(Exception e) => _forwarded.TrySetException(e);

    private bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    private int Advance(int matched, byte next)
    {
        while (matched > 0 && _marker[matched] != next) matched = _fallback[matched - 1];
        return _marker[matched] == next ? matched + 1 : 0;
    }

    /// <summary>Where one stream stands against the marker.</summary>
    public sealed class Cursor(ByteFlip flip)
    {
        private int _matched;
        private int _countdown = -1;

        public ByteFlip Flip => flip;

        /// <summary>Flips the chosen byte if it is in <paramref name="chunk"/> and no other stream took it; true when it did.</summary>
        public bool Apply(Span<byte> chunk)
        {
            for (var i = 0; i < chunk.Length && !flip.IsClaimed; i++)
            {
                if (_countdown > 0)
                {
                    _countdown--;
                }
                else if (_countdown == 0)
                {
                    if (!flip.TryClaim()) return false;
                    chunk[i] ^= flip.Mask;
                    return true;
                }
                else if ((_matched = flip.Advance(_matched, chunk[i])) == flip._marker.Length)
                {
                    _countdown = flip.Offset;
                }
            }
            return false;
        }
    }
}
