package dev.cairn.redo.btree;

import dev.cairn.redo.page.IndexTupleData;
import dev.cairn.redo.page.Page;
import dev.cairn.redo.page.PageCorruptException;

import java.util.Arrays;

/**
 * nbtdedup.c's posting list routines: forming a posting list tuple from a base tuple and heap TIDs
 * (_bt_form_posting), removing TIDs from one (_bt_update_posting) and the posting list split
 * (_bt_swap_posting). New tuples start zeroed, as PostgreSQL's palloc0, so their padding matches.
 */
final class Postings {
    private Postings() {
    }

    /** The key part of a tuple: everything before its posting list, or all of a plain tuple. */
    private static int keySize(IndexTuple t) {
        int keySize = t.isPosting() ? t.postingOffset() : t.size();
        if (keySize < IndexTuple.HEADER_SIZE || keySize > t.size() || keySize != Page.maxAlign(keySize)) {
            throw new PageCorruptException("index tuple of size " + t.size() + " has a key part of " + keySize
                    + " bytes");
        }
        return keySize;
    }

    private static int newSize(int keySize, int nhtids) {
        int size = nhtids > 1 ? Page.maxAlign(keySize + nhtids * IndexTuple.TID_SIZE) : keySize;
        if (size > IndexTupleData.SIZE_MASK) {
            throw new PageCorruptException("a tuple of " + keySize + " key bytes and " + nhtids + " heap TIDs ("
                    + size + " bytes) exceeds the index tuple size limit");
        }
        return size;
    }

    /**
     * _bt_form_posting: {@code base}'s key with the {@code nhtids} TIDs of {@code htids} (6 bytes each); one
     * TID makes a plain tuple.
     */
    static IndexTuple form(IndexTuple base, byte[] htids, int nhtids) {
        if (base.isPivot() || nhtids < 1) {
            throw new PageCorruptException("cannot form a posting list of " + nhtids + " TIDs on a "
                    + (base.isPivot() ? "pivot" : "") + " tuple");
        }
        int keySize = keySize(base);
        int size = newSize(keySize, nhtids);
        IndexTuple t = IndexTuple.zeroed(size);
        System.arraycopy(base.bytes(), 0, t.bytes(), 0, keySize);
        t.setSize(size);
        if (nhtids > 1) {
            t.setPosting(nhtids, keySize);
            System.arraycopy(htids, 0, t.bytes(), keySize, nhtids * IndexTuple.TID_SIZE);
        } else {
            t.setInfo(t.info() & ~IndexTuple.ALT_TID);
            t.setTid(htids, 0);
        }
        return t;
    }

    /**
     * _bt_update_posting: {@code orig} without the posting list entries at the (ascending) positions
     * {@code deleteTids}; a single survivor makes a plain tuple.
     */
    static IndexTuple update(IndexTuple orig, int[] deleteTids) {
        if (!orig.isPosting()) {
            throw new PageCorruptException("cannot delete TIDs from an index tuple that is not a posting list");
        }
        int n = orig.nPosting();
        int nhtids = n - deleteTids.length;
        if (nhtids <= 0 || nhtids >= n) {
            throw new PageCorruptException("cannot delete " + deleteTids.length + " TIDs from a posting list of "
                    + n + " and keep some");
        }
        int keySize = keySize(orig);
        int size = newSize(keySize, nhtids);
        IndexTuple t = IndexTuple.zeroed(size);
        System.arraycopy(orig.bytes(), 0, t.bytes(), 0, keySize);
        t.setSize(size);
        int at;
        if (nhtids > 1) {
            t.setPosting(nhtids, keySize);
            at = keySize;
        } else {
            t.setInfo(t.info() & ~IndexTuple.ALT_TID);
            at = 0;
        }
        int kept = 0;
        int d = 0;
        for (int i = 0; i < n; i++) {
            if (d < deleteTids.length && deleteTids[d] == i) {
                d++;
                continue;
            }
            if (kept == nhtids) {
                break;
            }
            System.arraycopy(orig.bytes(), orig.postingTid(i), t.bytes(), at + kept * IndexTuple.TID_SIZE,
                    IndexTuple.TID_SIZE);
            kept++;
        }
        if (kept != nhtids || d != deleteTids.length) {
            throw new PageCorruptException("posting list TIDs to delete " + Arrays.toString(deleteTids)
                    + " are not ascending positions in a list of " + n);
        }
        return t;
    }

    /**
     * _bt_swap_posting: the posting list split. Returns {@code oposting} with {@code newItem}'s TID inserted at
     * {@code postingOff} and its last TID shifted out, which becomes {@code newItem}'s TID (newItem is changed).
     */
    static IndexTuple swap(IndexTuple newItem, IndexTuple oposting, int postingOff) {
        if (!oposting.isPosting()) {
            throw new PageCorruptException("posting list split at offset " + postingOff
                    + " of a tuple that is not a posting list");
        }
        int n = oposting.nPosting();
        if (!(postingOff > 0 && postingOff < n)) {
            throw new PageCorruptException("posting list tuple with " + n + " items cannot be split at offset "
                    + postingOff);
        }
        if (newItem.isPivot() || newItem.isPosting()) {
            throw new PageCorruptException("the new item of a posting list split is not a plain tuple");
        }
        byte[] copy = new byte[Page.maxAlign(oposting.size())];
        System.arraycopy(oposting.bytes(), 0, copy, 0, oposting.size());
        IndexTuple nposting = IndexTuple.wrap(copy);
        int replace = nposting.postingTid(postingOff);
        int last = oposting.postingTid(n - 1);
        int moved = (n - postingOff - 1) * IndexTuple.TID_SIZE;
        System.arraycopy(copy, replace, copy, replace + IndexTuple.TID_SIZE, moved);
        newItem.copyTidTo(copy, replace);
        newItem.setTid(oposting.bytes(), last);
        return nposting;
    }
}
