//! Behaviour of the synthetic runner, through the public API.

mod util;

mod behaviour;
