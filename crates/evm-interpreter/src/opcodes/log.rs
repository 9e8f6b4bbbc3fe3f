//! `LOG0`..`LOG4`.

use alloy_primitives::{Bytes, Log, B256};

use crate::frame::HaltReason;
use crate::host::Host;
use crate::interpreter::{Interpreter, Step};
use crate::{gas, memory};

impl Interpreter<'_> {
    /// `LOGn` with `topics` topics.
    pub(crate) fn log(&mut self, host: &mut dyn Host, topics: usize) -> Step {
        let [offset, len] = self.stack.pop_n()?;
        let range = memory::range(offset, len)?;
        let data_len = range.as_ref().map_or(0, |range| range.len() as u64);
        self.charge(gas::log_cost(topics as u64, data_len))?;
        self.expand(range.as_ref())?;
        let mut topic_words = Vec::with_capacity(topics);
        for _ in 0..topics {
            topic_words.push(B256::from(self.stack.pop()?));
        }
        if self.input.is_static {
            return Err(HaltReason::StaticStateChange.into());
        }
        let data = range.map_or_else(Bytes::new, |range| Bytes::copy_from_slice(self.memory.get(range)));
        host.log(Log::new_unchecked(self.input.address, topic_words, data));
        Ok(())
    }
}
