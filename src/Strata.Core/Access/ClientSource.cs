using System.Net;
using System.Net.Sockets;

namespace Strata.Access;

/// <summary>
/// Who a caller without a valid token is, for rate limits and refusal summaries: its IPv4 address, or its IPv6 /64
/// (one host is commonly given a whole /64, so per-address IPv6 would hand a single machine 2^64 budgets).
/// </summary>
internal static class ClientSource
{
    public static IPAddress? Of(IPAddress? address)
    {
        if (address is null) return null;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }
}
