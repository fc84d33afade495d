package dev.fearless.samples.service;

import dev.fearless.handle.Shared;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Accounts and transfers. Each balance lives in a {@link Shared} handle, reachable only while the
 * handle's lock is held; a transfer updates both handles together through
 * {@link Shared#update(Shared, Shared, java.util.function.BiConsumer)}, which takes both locks
 * through the multi-lock, so two opposite transfers between the same accounts cannot deadlock; the
 * total holds every handle at once ({@link Shared#updateAll}), so it sees no transfer half done and
 * never changes.
 */
final class Bank {

    /** The value each handle guards; mutated in place, only inside the handle's closures. */
    private static final class Balance {
        long amount;

        Balance(long amount) {
            this.amount = amount;
        }
    }

    /** The request names an account that does not exist. */
    static final class UnknownAccountException extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownAccountException(String id) {
            super("unknown account: " + id);
        }
    }

    /** The source account holds less than the amount. */
    static final class InsufficientFundsException extends Exception {
        private static final long serialVersionUID = 1L;

        InsufficientFundsException(String id, long balance, long amount) {
            super("insufficient funds: account " + id + " holds " + balance + ", transfer needs " + amount);
        }
    }

    record Transfer(String from, long fromBalance, String to, long toBalance, long amount) {}

    record Total(long total, int accounts) {}

    private final Map<String, Shared<Balance>> accounts;   // immutable after construction
    private final List<Shared<Balance>> all;

    Bank(int count, long initialBalance) {
        if (count < 2) {
            throw new IllegalArgumentException("count must be at least 2: " + count);
        }
        Map<String, Shared<Balance>> map = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
            String id = "acc-" + i;
            map.put(id, Shared.builder().name("account-" + id).lockClass("Account").build(new Balance(initialBalance)));
        }
        this.accounts = Collections.unmodifiableMap(map);
        this.all = List.copyOf(map.values());
    }

    List<String> ids() {
        return List.copyOf(accounts.keySet());
    }

    /**
     * Moves {@code amount} from one account to another, or changes nothing.
     *
     * @throws IllegalArgumentException if the amount is not positive or the accounts are the same
     */
    Transfer transfer(String fromId, String toId, long amount)
            throws UnknownAccountException, InsufficientFundsException {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive: " + amount);
        }
        Shared<Balance> from = account(fromId);
        Shared<Balance> to = account(toId);
        if (from == to) {
            throw new IllegalArgumentException("from and to must be different accounts: " + fromId);
        }
        long[] after = new long[3];                     // {done (1) or refused (0), from, to}
        Shared.update(from, to, (a, b) -> {             // both locks, any order: the multi-lock orders them
            after[1] = a.amount;
            if (a.amount < amount) {
                return;                                  // refused inside, without throwing: no poisoning
            }
            a.amount -= amount;
            b.amount += amount;
            journal();                                   // the write-ahead record, under both locks
            after[0] = 1;
            after[1] = a.amount;
            after[2] = b.amount;
        });
        if (after[0] == 0) {
            throw new InsufficientFundsException(fromId, after[1], amount);
        }
        return new Transfer(fromId, after[1], toId, after[2], amount);
    }

    OptionalLong balance(String id) {
        Shared<Balance> account = accounts.get(id);
        return account == null ? OptionalLong.empty() : OptionalLong.of(account.read(b -> b.amount));
    }

    /** The sum of every balance, taken under every account's lock at once: a consistent snapshot. */
    Total total() {
        long[] sum = new long[1];
        Shared.updateAll(all, balances -> {
            for (Balance balance : balances) {
                sum[0] += balance.amount;
            }
        });
        return new Total(sum[0], all.size());
    }

    /** Stands for writing the transfer to a journal: a short blocking write while both locks are held. */
    private static void journal() {
        try {
            Thread.sleep(0, 200_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(800_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();              // the transfer is done; keep the flag for the caller
        }
    }

    private Shared<Balance> account(String id) throws UnknownAccountException {
        Shared<Balance> account = accounts.get(id);
        if (account == null) {
            throw new UnknownAccountException(id);
        }
        return account;
    }
}
