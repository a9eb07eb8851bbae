#pragma once
/// `AwaitableValueT<A>`: the value type T of `boost::asio::awaitable<T>`, for helpers that wrap a caller's
/// coroutine (Run through a breaker, Retry) and must return the same type.

#include <boost/asio/awaitable.hpp>

namespace okada::resilience::detail {

template <typename A>
struct AwaitableValue;
template <typename T, typename E>
struct AwaitableValue<boost::asio::awaitable<T, E>> {
  using type = T;
};
template <typename A>
using AwaitableValueT = typename AwaitableValue<A>::type;

}  // namespace okada::resilience::detail
